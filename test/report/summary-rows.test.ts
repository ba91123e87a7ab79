import { describe, expect, it } from 'vitest';
import { riskRows } from '../../src/report/summary-rows.ts';

const base = { liquidations: 0, liquidationsAll: 0, accountsLiquidated: 0, adlEvents: 0, halts: 0, badDebt: 0, insuranceFund: 0, rejectedOrders: 0, pathDrawdownPct: 4.335, markDrawdownPct: 4.335, impactFurtherPct: 0, maxDisplacementPct: 0, maxDisplacementAt: '2024-01-01T00:00:00.000Z' };

describe('summary rows', () => {
  it('the risk rows speak of liquidation impact only when something was liquidated', () => {
    const labels = (m: typeof base) => riskRows(m).map((r) => r[0]);
    expect(labels(base)).not.toContain('deepest displacement of the mark by liquidations');
    const hit = riskRows({ ...base, liquidationsAll: 12, markDrawdownPct: 5.1, impactFurtherPct: 0.765, maxDisplacementPct: 0.9, maxDisplacementAt: '2024-01-01T03:00:00.000Z' });
    expect(hit.slice(-3)).toEqual([
      ['drawdown: no-impact path / mark with impact', '4.335% / 5.100%'],
      ['mark fell further than the counterfactual by', '0.765 percentage points'],
      ['deepest displacement of the mark by liquidations', '0.900% at 2024-01-01T03:00:00.000Z'],
    ]);
  });
});
