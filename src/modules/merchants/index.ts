// The merchants module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './merchants.routes.ts';
export { authenticate, createApiKey, revokeApiKey, rotateApiKey } from './merchants.api-keys.ts';
export { createMerchant } from './merchants.create.ts';
export type { MerchantSettings } from './merchants.create.ts';
export { businessPresentation, businessTimeZone, getBusinessSettings, updateBusinessSettings } from './merchants.business.ts';
export type { BusinessSettings } from './merchants.business.ts';
export { presentApiKey } from './merchants.present.ts';
export {
  countMerchants,
  getMerchant,
  initSystemSetting,
  listApiKeys,
  listMerchants,
  lockFirstMerchant,
  updateMerchantSettings,
} from './merchants.repository.ts';
export { reencryptSecrets } from './merchants.secrets-reencrypt.ts';
