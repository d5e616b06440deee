import { ToolDetail } from "./tool-detail";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: decodeURIComponent((await params).name) };
}

export default async function ToolPage({ params }: { params: Promise<{ name: string }> }) {
  return <ToolDetail name={decodeURIComponent((await params).name)} />;
}
