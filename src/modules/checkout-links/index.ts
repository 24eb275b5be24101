// The checkout links module's public surface: the composition root imports it only from here
// (checked by npm run lint).
export * from './checkout-links.routes.ts';
export { checkoutLinkCaptureLimit, followCheckoutLinkOrder } from './checkout-links.payments.ts';
export { checkoutLinkJobHandlers } from './checkout-links.jobs.ts';
export { createLink } from './checkout-links.manage.ts';
