// Reads for the bookings module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { getBooking, getBookingService, listBookingServices } from './bookings.repository.ts';
