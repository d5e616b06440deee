"use client";

import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { defaultHighlightStyle, StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { toml } from "@codemirror/legacy-modes/mode/toml";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorSelection, EditorState, type Text } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";

/** A problem as the validator reports it: 1-based line and column. */
export interface EditorProblem {
  severity: "error" | "warning";
  code: string;
  message: string;
  line: number;
  column: number;
  suggestions: string[];
}

/** Ask the editor to put the cursor somewhere; `seq` makes a repeated click on the same spot count. */
export interface CursorRequest {
  line: number;
  column: number;
  seq: number;
}

export interface TomlEditorProps {
  value: string;
  label: string;
  onChange?: (text: string) => void;
  readOnly?: boolean;
  problems?: readonly EditorProblem[];
  cursor?: CursorRequest | null;
  /** Tallest the editor grows before it scrolls (CSS length). */
  maxHeight?: string;
}

/** 1-based line/column → document offset, clamped to the document (a stale problem may point past its end). */
export function offsetAt(doc: Text, line: number, column: number): number {
  const target = doc.line(Math.min(Math.max(1, line), doc.lines));
  return target.from + Math.min(Math.max(0, column - 1), target.length);
}

// A quoted string, a key/number/word, or one other character: what a problem's column points at.
const TOKEN = /^("(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?|[A-Za-z0-9_.:+-]+|\S)/;

export function diagnosticOf(doc: Text, problem: EditorProblem): Diagnostic {
  const from = offsetAt(doc, problem.line, problem.column);
  const rest = doc.sliceString(from, doc.lineAt(from).to);
  const token = TOKEN.exec(rest)?.[0] ?? "";
  const hint = problem.suggestions.length ? `\nTry: ${problem.suggestions.join(" · ")}` : "";
  return { from, to: from + token.length, severity: problem.severity, source: problem.code, message: `${problem.message}${hint}` };
}

const theme = EditorView.theme({
  "&": { fontSize: "13px", backgroundColor: "#fff" },
  "&.cm-focused": { outline: "2px solid #3b6ff5", outlineOffset: "-1px" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", overflow: "auto" },
  ".cm-gutters": { backgroundColor: "#f8fafc", borderRight: "1px solid #e2e8f0", color: "#64748b" },
  ".cm-tooltip-lint": { maxWidth: "min(32rem, 90vw)", whiteSpace: "pre-wrap" },
});

/**
 * CodeMirror 6 for agent documents: TOML highlighting, line numbers, undo history and
 * validation problems as lint markers. Browser-only; load it through LazyTomlEditor.
 */
export function TomlEditor({ value, label, onChange, readOnly = false, problems, cursor, maxHeight = "32rem" }: TomlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  useEffect(() => {
    changed.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          history(),
          readOnly ? [] : highlightActiveLine(),
          StreamLanguage.define(toml),
          syntaxHighlighting(defaultHighlightStyle),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({ "aria-label": label, ...(readOnly ? { "aria-readonly": "true" } : {}) }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current?.(update.state.doc.toString());
          }),
          theme,
          EditorView.theme({ "&": { maxHeight } }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readOnly, label, maxHeight]);

  // A new value from outside (another version activated, a document loaded) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const doc = editor.state.doc;
    editor.dispatch(
      setDiagnostics(
        editor.state,
        (problems ?? []).map((p) => diagnosticOf(doc, p)),
      ),
    );
  }, [problems]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || !cursor) return;
    const at = offsetAt(editor.state.doc, cursor.line, cursor.column);
    editor.dispatch({ selection: EditorSelection.cursor(at), effects: EditorView.scrollIntoView(at, { y: "center" }) });
    editor.focus();
  }, [cursor]);

  return <div ref={host} className="min-w-0 overflow-hidden rounded-md border border-slate-300" />;
}
