/**
 * What the About dialog and the README credit: the bundled data sources, whose CC BY 4.0 licences ask for
 * attribution wherever their data is shown. Shared so the renderer (About) and the engine (CLI output) say
 * the same words.
 */
export const GEO_ATTRIBUTION = [
  'IP Geolocation by DB-IP (https://db-ip.com), country data: DB-IP IP to Country Lite, CC BY 4.0.',
  'ASN data: @ip-location-db/asn (https://github.com/sapics/ip-location-db), CC BY 4.0, built from RouteViews (https://www.routeviews.org), ' +
    'the NRO RIR statistics (https://www.nro.net) and DB-IP IP to ASN Lite (https://db-ip.com).',
] as const;

export const GEO_ATTRIBUTION_HTML = "<a href='https://db-ip.com'>IP Geolocation by DB-IP</a>";
