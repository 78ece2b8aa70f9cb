/**
 * `citelens.diagnostics.*`: the severity of each kind of problem, or `off`. Used for the
 * problems of collections (collections.ts) and of citing documents (documentDiagnostics.ts).
 */
import * as vscode from 'vscode';

export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface DiagnosticSettings {
  undefinedKeys: SeveritySetting;
  caseMismatch: SeveritySetting;
  duplicateKeys: SeveritySetting;
  /** Reader problems (broken entries, encoding…); `error` keeps each problem's own severity. */
  syntax: SeveritySetting;
  missingCrossref: SeveritySetting;
}

const LEVELS: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

function level(c: vscode.WorkspaceConfiguration, name: string, fallback: SeveritySetting): SeveritySetting {
  const v = c.get<string>(name, fallback);
  return (LEVELS as readonly string[]).includes(v) ? (v as SeveritySetting) : fallback;
}

export function readDiagnosticSettings(scope?: vscode.ConfigurationScope): DiagnosticSettings {
  const c = vscode.workspace.getConfiguration('citelens.diagnostics', scope);
  return {
    undefinedKeys: level(c, 'undefinedKeys', 'warning'),
    caseMismatch: level(c, 'caseMismatch', 'warning'),
    duplicateKeys: level(c, 'duplicateKeys', 'warning'),
    syntax: level(c, 'syntax', 'error'),
    missingCrossref: level(c, 'missingCrossref', 'warning'),
  };
}

export function toSeverity(setting: Exclude<SeveritySetting, 'off'>): vscode.DiagnosticSeverity {
  switch (setting) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'information':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}

/**
 * A collection problem with the configured severity, or undefined when its kind is off.
 * Codes: `duplicate-key`, `missing-parent`; every other code is a reader (syntax) problem,
 * whose own severity is kept, capped at the configured one (`error`, the default, keeps it).
 */
export function applyCollectionSetting(d: vscode.Diagnostic, settings: DiagnosticSettings): vscode.Diagnostic | undefined {
  const setting = d.code === 'duplicate-key' ? settings.duplicateKeys : d.code === 'missing-parent' ? settings.missingCrossref : settings.syntax;
  if (setting === 'off') return undefined;
  const wanted = toSeverity(setting);
  // A reader problem keeps its own severity, at most the configured one (Error = 0 … Hint = 3).
  d.severity = d.code === 'duplicate-key' || d.code === 'missing-parent' ? wanted : Math.max(d.severity, wanted);
  return d;
}
