// Webhook bodies copied verbatim from /work/shared/reference/sample-payloads.md (§5.1-5.5),
// which quotes Meta's Postman collection, Meta's OpenAPI examples and pywa's fixtures.
// Kept as raw JSON text so the signature and parsing tests see the exact bytes.

/** §5.1 inbound text (Postman "Received Text Message"). */
export const TEXT_MESSAGE =
  '{"object":"whatsapp_business_account","entry":[{"id":"8856996819413533","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"16505553333","phone_number_id":"27681414235104944"},"contacts":[{"profile":{"name":"Kerry Fisher"},"wa_id":"16315551234"}],"messages":[{"from":"16315551234","id":"wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W","timestamp":"1603059201","text":{"body":"Hello this is an answer"},"type":"text"}]},"field":"messages"}]}]}';

/** §5.2 inbound cart (facebook/openapi v23.0 "Order Message"). */
export const ORDER_MESSAGE =
  '{"object":"whatsapp_business_account","entry":[{"id":"419561257915477","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA=","timestamp":"1750096325","type":"order","order":{"catalog_id":"194836987003835","text":"","product_items":[{"product_retailer_id":"di9ozbzfi4","quantity":2,"item_price":30,"currency":"USD"},{"product_retailer_id":"nqryix03ez","quantity":1,"item_price":25,"currency":"USD"}]}}]},"field":"messages"}]}]}';

/** §5.3 delivered status (pywa message_status.json). */
export const STATUS_DELIVERED =
  '{"object":"whatsapp_business_account","entry":[{"id":"5467539754836534","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"972123456789","phone_number_id":"1122334455667"},"contacts":[{"profile":{"name":"Test Name"},"wa_id":"972987654321","user_id":"US.13491208655302741918","parent_user_id":"US.ENT.11815799212886844830"}],"statuses":[{"id":"wamid.xyzxyz","status":"delivered","timestamp":"1698266945","recipient_id":"972987654321","conversation":{"id":"7270432eae37498234f4444b35ffc5","origin":{"type":"service"}},"pricing":{"billable":true,"pricing_model":"CBP","category":"service"}}]},"field":"messages"}]}]}';

/** §5.3 statuses[0] for status_sent. */
export const STATUS_SENT_STATUS =
  '{"id":"wamid.xyzxyz","status":"sent","timestamp":"1698266945","recipient_id":"972987654321","conversation":{"id":"7270432eae37498234f4444b35ffc5","expiration_timestamp":"1698339900","origin":{"type":"service"}},"pricing":{"billable":true,"pricing_model":"CBP","category":"service"}}';

/** §5.3 statuses[0] for status_read. */
export const STATUS_READ_STATUS =
  '{"id":"wamid.xyzxyz","status":"read","timestamp":"1689380458","recipient_id":"972987654321","conversation":{"id":"7270432eae37498234f4444b35ffc5","origin":{"type":"service"}},"pricing":{"billable":true,"pricing_model":"CBP","category":"service"}}';

/** §5.3 statuses[0] for status_failed. */
export const STATUS_FAILED_STATUS =
  '{"id":"wamid.xyzxyz","status":"failed","timestamp":"1689380458","recipient_id":"972987654321","errors":[{"code":130472,"title":"User\'s number is part of an experiment","message":"User\'s number is part of an experiment","error_data":{"details":"Failed to send message because this user\'s phone number is part of an experiment"},"href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}';

/** §5.4 payment status, official placeholder shape (Postman). */
export const PAYMENT_STATUS_OFFICIAL =
  '{"object":"whatsapp_business_account","entry":[{"id":"WHATSAPP_BUSINESS_ACCOUNT_ID","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"PHONE_NUMBER","phone_number_id":"PHONE_NUMBER_ID"},"statuses":[{"id":"wamid.ID","from":"PHONE_NUMBER","type":"payment","status":"<captured | failed | pending>","payment":{"reference_id":"reference-id-from-order-details-msg"},"timestamp":"notification_timestamp"}]},"field":"messages"}]}]}';

/** §5.4 richer payment object [U] (third-party summary), wrapped in braces. */
export const PAYMENT_OBJECT_RICHER =
  '{"payment":{"reference_id":"ORDER_12345","amount":{"value":10000,"offset":100},"currency":"INR","transaction":{"id":"txn_xxx","type":"upi","status":"success"}}}';

/** §5.5 Flow completion nfm_reply (pywa flow_completion.json). */
export const NFM_REPLY =
  '{"object":"whatsapp_business_account","entry":[{"id":"1234567890987654321","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"972123456789","phone_number_id":"1122334455667"},"contacts":[{"profile":{"name":"Test Name"},"wa_id":"972987654321","user_id":"US.13491208655302741918","parent_user_id":"US.ENT.11815799212886844830"}],"messages":[{"context":{"from":"972123456789","id":"wamid.gvwegfretge=="},"from":"972987654321","id":"wamid.wegrchytvwcggt==","timestamp":"1702502473","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":"{\\"comment_text\\":\\"Comment Text\\",\\"delivery_rating\\":\\"4\\",\\"flow_token\\":\\"AQAAAAACS5FpgQ_cAAAAAD0QI3s.\\",\\"purchase_rating\\":\\"2\\",\\"recommend_radio\\":\\"0\\",\\"cs_rating\\":\\"0\\"}","body":"Sent","name":"flow"}}}]},"field":"messages"}]}]}';
