// Kubernetes names: the DNS-1123 rules the API server enforces, checked before anything is
// written, and a run id that fits them. Pure.

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The suffixes a run id gets in its object names; the longest must still fit a 63-character label. */
export const NAME_SUFFIXES = { agents: '-agents', merge: '-merge', scenario: '-scenario', reader: '-reader' } as const;
export const MAX_RUN_ID_LENGTH = 63 - Math.max(...Object.values(NAME_SUFFIXES).map((s) => s.length));

/** Why `name` is not a DNS-1123 label (namespaces, Job names), or undefined when it is one. */
export function dns1123LabelProblem(name: string, maxLength = 63): string | undefined {
  if (name.length > maxLength) return `at most ${maxLength} characters (got ${name.length})`;
  if (!LABEL.test(name)) return 'lower-case letters, digits and "-" only, starting and ending with a letter or digit (DNS-1123 label)';
  return undefined;
}

/** Why `name` is not a DNS-1123 subdomain (PersistentVolumeClaims, ConfigMaps), or undefined. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length > 253) return `at most 253 characters (got ${name.length})`;
  if (!SUBDOMAIN.test(name)) return 'lower-case letters, digits, "-" and "." only, each dot-separated part starting and ending with a letter or digit (DNS-1123 subdomain)';
  return undefined;
}

/** `<scenario>-<yyyymmdd>-<hhmmss>` (UTC), the scenario's name lower-cased and cut to fit. */
export function defaultRunId(scenarioName: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  const room = MAX_RUN_ID_LENGTH - stamp.length - 1;
  const slug = scenarioName.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '');
  return `${slug === '' ? 'servebench' : slug}-${stamp}`;
}
