// Every HTTP route of the ledger module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as ledgerBalances from './routes/ledger.balances.ts';
import * as ledgerTransactions from './routes/ledger.transactions.ts';
import * as ordersLedger from './routes/orders.ledger.ts';

export const ledgerRoutes: ModuleRoutes = {
  api: [ledgerBalances, ledgerTransactions, ordersLedger],
  public: [],
};
