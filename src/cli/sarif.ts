import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ESLint, Linter } from 'eslint';

/** What SARIF needs to know about each rule that ran. */
export interface SarifRule {
  id: string;
  description: string;
  helpUri?: string;
  level: 'error' | 'warning';
}

export interface SarifOptions {
  toolName: string;
  toolVersion: string;
  informationUri: string;
  rules: readonly SarifRule[];
  /** Result paths are written relative to this directory, which becomes `%SRCROOT%`. */
  cwd: string;
}

/** A relative (to `%SRCROOT%`) or absolute `file:` URI for a linted file, percent-encoded as URIs must be. */
function artifactUri(filePath: string, cwd: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(cwd, filePath);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return { uri: pathToFileURL(filePath).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function region(message: Linter.LintMessage): Record<string, number> {
  const result: Record<string, number> = { startLine: Math.max(1, message.line || 1) };
  if (message.column) result.startColumn = Math.max(1, message.column);
  if (message.endLine) result.endLine = message.endLine;
  if (message.endColumn) result.endColumn = Math.max(1, message.endColumn);
  return result;
}

/**
 * Formats lint results as a SARIF 2.1.0 log that GitHub code scanning accepts: one run, the driver lists every
 * rule that ran (so a rule with no findings still closes its old alerts), each finding is a result with a
 * physical location relative to `%SRCROOT%`, and files that could not be parsed are tool execution
 * notifications rather than alerts.
 */
export function formatSarif(results: readonly ESLint.LintResult[], options: SarifOptions): string {
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.id, index]));
  const sarifResults: unknown[] = [];
  const notifications: unknown[] = [];
  for (const result of results) {
    const artifactLocation = artifactUri(result.filePath, options.cwd);
    for (const message of result.messages) {
      const location = { physicalLocation: { artifactLocation, region: region(message) } };
      const level = message.severity === 2 ? 'error' : 'warning';
      if (message.ruleId && ruleIndex.has(message.ruleId)) {
        sarifResults.push({
          ruleId: message.ruleId,
          ruleIndex: ruleIndex.get(message.ruleId),
          level,
          message: { text: message.message },
          locations: [location],
        });
      } else {
        notifications.push({
          level,
          message: { text: message.message },
          locations: [location],
          ...(message.fatal ? { descriptor: { id: 'parse-error' } } : {}),
        });
      }
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.toolName,
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            informationUri: options.informationUri,
            rules: options.rules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.description },
              ...(rule.helpUri
                ? {
                    helpUri: rule.helpUri,
                    help: {
                      text: `${rule.description}. Documentation: ${rule.helpUri}`,
                      markdown: `${rule.description}. [Documentation](${rule.helpUri})`,
                    },
                  }
                : {}),
              defaultConfiguration: { level: rule.level },
              properties: { tags: ['reliability', 'performance'], precision: 'high', 'problem.severity': rule.level },
            })),
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(options.cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
