/** Public surface of the display filter engine. */
export { checkFilter, compileFilter } from './filter';
export type { CompiledFilter } from './filter';
export { FilterSyntaxError } from './errors';
export type { FilterError } from './errors';
export type { FilterContext } from './columns';
export { filterPackets } from './run-filter';
export type { DissectedPacket, FilterRunStats } from './run-filter';
export { registerEngineFields } from './engine-fields';
