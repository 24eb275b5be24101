// Every HTTP route of the bookings module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as bookingServicesCreate from './routes/booking-services.create.ts';
import * as bookingServicesGet from './routes/booking-services.get.ts';
import * as bookingServicesList from './routes/booking-services.list.ts';
import * as bookingServicesUpdate from './routes/booking-services.update.ts';
import * as bookingsCancel from './routes/bookings.cancel.ts';
import * as bookingsGet from './routes/bookings.get.ts';
import * as bookingsList from './routes/bookings.list.ts';
import * as settingsBooking from './routes/settings.booking.ts';

export const bookingsRoutes: ModuleRoutes = {
  api: [bookingServicesCreate, bookingServicesList, bookingServicesGet, bookingServicesUpdate, bookingsList, bookingsGet, bookingsCancel, settingsBooking],
  public: [],
};
