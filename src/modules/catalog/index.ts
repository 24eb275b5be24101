// The catalog module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './catalog.routes.ts';
export { createProduct } from './catalog.products.ts';
export { activeProductCurrencies, firstActiveProduct, getProductsByRetailerIds, listActiveProductsByRetailerId, listProducts } from './products.repository.ts';
export type { ProductRow } from './products.repository.ts';
export { catalogJobHandlers } from './catalog.jobs.ts';
export { checkProductImage } from './catalog.images.ts';
export type { GoodsType } from './products.repository.ts';
