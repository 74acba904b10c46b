/**
 * ag-grid for every table of the UI (packet list, sessions, calls, logs, talkers): the modules they use,
 * registered once, and the settings every virtualised (infinite row model) table shares.
 */
import {
  CellStyleModule,
  ColumnAutoSizeModule,
  InfiniteRowModelModule,
  ModuleRegistry,
  RenderApiModule,
  RowApiModule,
  RowStyleModule,
  ScrollApiModule,
  TooltipModule,
  ValidationModule,
} from 'ag-grid-community';
import { ROW_HEIGHT } from './layout';

ModuleRegistry.registerModules([
  InfiniteRowModelModule,
  ScrollApiModule,
  RowApiModule,
  RenderApiModule,
  RowStyleModule,
  CellStyleModule,
  ColumnAutoSizeModule,
  TooltipModule,
  ...(import.meta.env.DEV ? [ValidationModule] : []),
]);

/** Spread into <AgGridReact>: rows come in blocks from the engine; the legacy balham theme's CSS is loaded. */
export const INFINITE_GRID = {
  theme: 'legacy',
  rowModelType: 'infinite',
  rowHeight: ROW_HEIGHT,
  headerHeight: 24,
  blockLoadDebounceMillis: 30,
} as const;
