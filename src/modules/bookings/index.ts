// The bookings module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './bookings.routes.ts';
export { createBookingFromToken, offeredDates, openSlots } from './bookings.hold.ts';
export { followOrderEvent } from './bookings.lifecycle.ts';
export { cancelBooking, getBookingSettings, listBookings } from './bookings.manage.ts';
export type { BookingFilter } from './bookings.manage.ts';
export { presentBooking } from './bookings.present.ts';
export { getBookingByFlowToken, getBookingService, listBookingServices } from './bookings.repository.ts';
export type { BookingRow, BookingServiceRow } from './bookings.repository.ts';
