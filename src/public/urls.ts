// The public addresses of badges and status pages, for every DTO that shows them.
export const badgeUrl = (publicUrl: string, key: string) => `${publicUrl}/badge/${key}.svg`;
export const statusPageUrl = (publicUrl: string, key: string) => `${publicUrl}/status/${key}`;
