/**
 * Every item of every page of a Describe/List call, read through one of the SDK's `paginate*` helpers
 * (`paginateDescribeSubnets({ client: ec2 }, input)`), which follows NextToken / Marker until the last page.
 */
export async function allPages<Page, Item>(pages: AsyncIterable<Page>, itemsOf: (page: Page) => readonly Item[] | undefined): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of pages) items.push(...(itemsOf(page) ?? []));
  return items;
}
