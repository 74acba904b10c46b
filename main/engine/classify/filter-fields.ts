/**
 * Display-filter fields answered from the session enrichment: `app`, `app.category` (the packet's session),
 * `geo.country` (both endpoints' country codes or range labels) and `geo.asn` (both endpoints' ASNs). They are
 * engine fields (no dissector puts them in a tree), evaluated per packet from its session and endpoints.
 *
 * The filter's column tier keeps its providers in a private map (filter/columns.ts), so wiring these in needs
 * one exported registration hook there; `installAppFilterFields` takes that hook and also registers the names.
 */
import { fields, type FieldRegistry } from '../dissect/fields';
import { COMPLETE, registerColumnProvider, type ColumnProvider, type FilterContext } from '../filter/columns';
import { enrichmentOf } from '../sessions/session-enrichment';

function sessionOf(ctx: FilterContext, i: number): number {
  return ctx.store.session[i] as number;
}

const sessionText = (pick: 'app' | 'category'): ColumnProvider => ({
  engine: true,
  values(ctx, i, out) {
    const e = enrichmentOf(ctx.sessions);
    const s = sessionOf(ctx, i);
    const v = e !== undefined && s >= 0 ? e[pick](s) : '';
    if (v !== '') out.push(v);
    return COMPLETE;
  },
});

const endpointValues = (pick: 'country' | 'asn'): ColumnProvider => ({
  engine: true,
  values(ctx, i, out) {
    const e = enrichmentOf(ctx.sessions);
    if (e === undefined) return COMPLETE;
    for (const ep of [ctx.store.srcEp[i] as number, ctx.store.dstEp[i] as number]) {
      const v = pick === 'country' ? e.country(ep) : e.asn(ep);
      if (v !== '' && v !== 0) out.push(v);
    }
    return COMPLETE;
  },
});

export const APP_FILTER_FIELDS: ReadonlyMap<string, { type: 'string' | 'uint'; description: string; provider: ColumnProvider }> = new Map([
  ['app', { type: 'string', description: 'Application (Wirelens classification)', provider: sessionText('app') }],
  ['app.category', { type: 'string', description: 'Application category', provider: sessionText('category') }],
  ['geo.country', { type: 'string', description: 'Country code or address range label', provider: endpointValues('country') }],
  ['geo.asn', { type: 'uint', description: 'Autonomous system number', provider: endpointValues('asn') }],
] as const);

/** Registers the fields and hands their providers to the column tier's registration hook. */
export function installAppFilterFields(register: (name: string, p: ColumnProvider) => void, registry: FieldRegistry = fields): void {
  for (const [name, f] of APP_FILTER_FIELDS) {
    registry.register(name, f.type, f.description);
    register(name, f.provider);
  }
}

// Self-registration, like the decoders: importing this module (capture-index.ts does) makes the fields known.
installAppFilterFields(registerColumnProvider);
