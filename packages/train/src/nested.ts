/** Flat dashed configs ↔ nested underscored ones (`results/config.yaml`, spec §3.8/§3.9). */

/** `{'dataset.val-size': .1}` → `{dataset: {val_size: .1}}`. */
export function nestConfig(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.').map((p) => p.replace(/-/g, '_'));
    let o = out;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts[parts.length - 1]!] = v ?? null;
  }
  return out;
}

/** `{dataset: {val_size: .1}}` → `{'dataset.val-size': .1}` (nulls kept, real types kept). */
export function flattenNested(nested: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(nested)) {
    const key = `${prefix}${k.replace(/_/g, '-')}`;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenNested(v as Record<string, unknown>, `${key}.`));
    else out[key] = v;
  }
  return out;
}
