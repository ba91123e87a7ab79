export { Ledger, divRound, type Transfer, type TransferKind } from './ledger.ts';
export { Notional } from './notional.ts';
export { Position, type FillAccounting } from './portfolio.ts';
