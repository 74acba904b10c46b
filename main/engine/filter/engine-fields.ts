/**
 * Fields the engine itself provides (from the store's columns, not from a dissector). The frame layer
 * registers most frame.* fields too; registering the same name with the same type returns the existing
 * definition, so this module can run before or after it without importing every dissector.
 */
import { FieldRegistry, fields } from '../dissect/fields';

export function registerEngineFields(registry: FieldRegistry = fields): void {
  registry.register('frame', 'protocol', 'Frame');
  registry.register('frame.number', 'uint', 'Frame Number');
  registry.register('frame.time', 'time', 'Arrival Time');
  registry.register('frame.time_epoch', 'time', 'Epoch Arrival Time');
  registry.register('frame.time_relative', 'reltime', 'Time since reference or first frame');
  registry.register('frame.time_delta', 'reltime', 'Time delta from previous captured frame');
  registry.register('frame.len', 'uint', 'Frame Length');
  registry.register('frame.cap_len', 'uint', 'Capture Length');
  registry.register('frame.interface_id', 'uint', 'Interface id');
  registry.register('session', 'uint', 'Session id (Wirelens)');
}

registerEngineFields();
