/** The `mock` provider: a labelled echo, for offline demos and tests. */
export function mockReply(agentName: string, content: unknown): string {
  const text = typeof content === "string" ? content : JSON.stringify(content);
  return `[mock reply from ${agentName}] ${text}`;
}
