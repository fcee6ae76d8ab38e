import type { CostEstimate } from '../functions/shared/cost';

/** The price table lives with the functions (the inventory prices networks too); the CLI formats it. */
export { estimateMonthlyCost, HOURS_PER_MONTH, PRICES, type CostEstimate } from '../functions/shared/cost';

export function formatCostTable(estimate: CostEstimate): string[] {
  const itemWidth = Math.max(...estimate.lines.map((line) => line.item.length), 'Total'.length);
  const quantityWidth = Math.max(...estimate.lines.map((line) => line.quantity.length));
  const money = (amount: number) => `$${amount.toFixed(2)}`.padStart(10);
  return [
    ...estimate.lines.map((line) => `  ${line.item.padEnd(itemWidth)}  ${line.quantity.padEnd(quantityWidth)}  ${money(line.monthlyUsd)}`),
    `  ${'Total a month'.padEnd(itemWidth + quantityWidth + 2)}  ${money(estimate.totalUsd)}`,
    ...estimate.notes.map((note) => `  ${note}`),
  ];
}
