"use client";

import { createContext, useContext, type ReactNode } from "react";

export interface WorkspaceInfo {
  slug: string;
  name: string;
  role: "owner" | "admin" | "member" | "viewer";
  /** What this member may do (server/auth/permissions.ts); the UI hides the rest. */
  permissions: string[];
  userId: string;
}

const WorkspaceContext = createContext<WorkspaceInfo | null>(null);

export function WorkspaceProvider({ value, children }: { value: WorkspaceInfo; children: ReactNode }) {
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): WorkspaceInfo & { can(permission: string): boolean } {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error("useWorkspace() outside a workspace page");
  return { ...value, can: (permission) => value.permissions.includes(permission) };
}
