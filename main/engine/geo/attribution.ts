/** The GeoIP data sources' attribution (the words live in shared/about.ts, which the About dialog also shows). */
export { GEO_ATTRIBUTION, GEO_ATTRIBUTION_HTML } from '../../../shared/about';
