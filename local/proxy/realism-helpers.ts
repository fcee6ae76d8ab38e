/** The realism profile's small parsers (AWS answers and requests) and its seeded generator. */

export interface VpcConfigJson {
  readonly SubnetIds?: string[];
  readonly SecurityGroupIds?: string[];
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function natParameters(query: URLSearchParams): string {
  return ['SubnetId', 'AllocationId', 'ConnectivityType'].map((key) => query.get(key) ?? '').join('|');
}

/** The function a Lambda REST path names (`/2015-03-31/functions/<name or ARN>/...`), without qualifier. */
export function functionNameOf(path: string): string | undefined {
  const segment = /\/functions\/([^/?]+)/.exec(path)?.[1];
  if (!segment) return undefined;
  const decoded = decodeURIComponent(segment);
  const name = decoded.includes(':function:') ? decoded.split(':function:')[1] : decoded;
  return name?.split(':')[0];
}

/** Removes the top-level `<item>`s of `<set>` that `drop` picks; nested items (addresses, tags) stay with their parent. */
export function removeItems(xml: string, set: string, drop: (item: string) => boolean): string {
  const open = xml.indexOf(`<${set}>`);
  const close = xml.lastIndexOf(`</${set}>`);
  if (open < 0 || close < 0) return xml;
  const inner = xml.slice(open + set.length + 2, close);
  const kept: string[] = [];
  let depth = 0;
  let start = -1;
  const tag = /<(\/?)item>/g;
  for (let match = tag.exec(inner); match; match = tag.exec(inner)) {
    if (match[1] === '') {
      if (depth === 0) start = match.index;
      depth += 1;
    } else {
      depth -= 1;
      if (depth === 0) {
        const item = inner.slice(start, match.index + match[0].length);
        if (!drop(item)) kept.push(item);
      }
    }
  }
  return `${xml.slice(0, open + set.length + 2)}${kept.join('')}${xml.slice(close)}`;
}

/** A small seeded generator (mulberry32): the same seed, the same answers. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
