import type { DocumentsPage } from '../api.js';
import { documentAt, generateDocuments, type WorldDocument } from '../generator/compliance.js';
import type { World } from '../generator/world.js';
import { badRequest } from './errors.js';

/** The providers' compliance documents: each provider's `GET documents` feed, cursor-paged in id order. */
export class ComplianceDocuments {
  private readonly byProvider = new Map<string, WorldDocument[]>();

  constructor(world: World) {
    for (const document of generateDocuments(world)) {
      const list = this.byProvider.get(document.providerId) ?? [];
      list.push(document);
      this.byProvider.set(document.providerId, list);
    }
  }

  page(providerId: string, cursor: string | null, limit: number, now: number): DocumentsPage {
    let start = 0;
    if (cursor !== null) {
      if (!/^\d{1,9}$/.test(cursor)) throw badRequest('cursor is not one this feed gave');
      start = Number(cursor);
    }
    const all = this.byProvider.get(providerId) ?? [];
    const items = all.slice(start, start + limit).map((d) => documentAt(d, now));
    return { items, nextCursor: start + limit < all.length ? String(start + limit) : null };
  }
}
