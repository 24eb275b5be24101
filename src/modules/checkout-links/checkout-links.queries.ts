// Reads for the checkout links' routes.
export { getLink, listLinks } from './checkout-links.repository.ts';
