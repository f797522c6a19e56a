/**
 * Reads a Prometheus scrape with the parser of Prometheus's own Python
 * client (`prometheus_client.parser`, Debian's python3-prometheus-client,
 * which .ci/run installs), not one Tessera wrote: the exposition text must be
 * valid for it, and the test sees the samples it finds.
 */
import { spawnSync } from 'node:child_process';

export interface Sample {
  /** The sample's own name: `…_total`, `…_bucket`, `…_count`, `…_sum`, or a gauge's. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Families {
  /** Family name → type (`counter`, `gauge`, `histogram`, …) as the parser read it. */
  types: Map<string, string>;
  samples: Sample[];
}

const PYTHON = '/usr/bin/python3';

const PARSE = `
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
out = {"types": {}, "samples": []}
for family in text_string_to_metric_families(sys.stdin.read()):
    out["types"][family.name] = family.type
    for s in family.samples:
        out["samples"].append({"name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else str(s.value)})
print(json.dumps(out))
`;

export function parseExposition(text: string): Families {
  const run = spawnSync(PYTHON, ['-c', PARSE], { input: text, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`prometheus_client could not parse the exposition: ${run.stderr || run.error}`);
  const parsed = JSON.parse(run.stdout) as { types: Record<string, string>; samples: Sample[] };
  return { types: new Map(Object.entries(parsed.types)), samples: parsed.samples.map((s) => ({ ...s, value: Number(s.value) })) };
}

export async function scrape(url: string, headers: Record<string, string> = {}): Promise<Families> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`scrape of ${url} answered ${response.status}: ${await response.text()}`);
  return parseExposition(await response.text());
}

/** The type of a family (its name without `_total`), or undefined when the scrape lacks it. */
export function typeOf(families: Families, name: string): string | undefined {
  return families.types.get(name.replace(/_total$/, ''));
}

/**
 * The sum of the samples named `name` whose labels include `labels` (0 when
 * none). For a histogram family, its `_count` samples (requests observed).
 */
export function value(families: Families, name: string, labels: Record<string, string> = {}): number {
  const sampleName = families.types.get(name) === 'histogram' ? `${name}_count` : name;
  return families.samples
    .filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
