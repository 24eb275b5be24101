// The flows chatcart serves, by the name POST /v1/flows/send takes and flow tokens record.
// A token whose flow is no longer listed here answers 427 (the flow cannot continue).
import type { FlowDefinition } from './flow.types.ts';
import { bookAppointment } from './book-appointment.flow.ts';
import { orderFood } from './order-food.flow.ts';

export const FLOWS: ReadonlyMap<string, FlowDefinition<any>> = new Map<string, FlowDefinition<any>>([
  [orderFood.name, orderFood],
  [bookAppointment.name, bookAppointment],
]);

export const FLOW_NAMES = [...FLOWS.keys()] as [string, ...string[]];

export function getFlowDefinition(name: string): FlowDefinition<unknown> | undefined {
  return FLOWS.get(name);
}
