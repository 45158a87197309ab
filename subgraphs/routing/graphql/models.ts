/** The routing resolvers' parent types: numbers with @requires fields, routes, trunks, webhook endpoints, deliveries and their connections. */
import type { Connection } from '../../../platform/pagination.js';
import type { AttemptRow, EndpointRow, RouteRow, StoredTrunk } from '../tables.js';

/** A number as routing resolves it: its key, and the originating carrier and holder when the gateway sends them (@requires). */
export interface NumberModel {
  e164: string;
  originatingCarrier?: { id: string } | null;
  holder?: { id: string } | null;
}
export type RouteModel = RouteRow;
export interface VoiceDestinationModel {
  trunks: StoredTrunk[];
}
export type TrunkModel = StoredTrunk;
export type WebhookEndpointModel = EndpointRow;
export type WebhookDeliveryModel = AttemptRow;
export type WebhookEndpointConnectionModel = Omit<Connection<EndpointRow>, 'totalCount'>;
export type WebhookDeliveryConnectionModel = Omit<Connection<AttemptRow>, 'totalCount'>;
export type TrunkConnectionModel = Omit<Connection<StoredTrunk>, 'totalCount'>;
