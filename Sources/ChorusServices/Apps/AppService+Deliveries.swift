import ChorusCore
import ChorusStore
import Foundation

/// The delivery log of an app: reading it, sending again, and test pings.
extension AppService {
    public func deliveries(appID: Int64, by actor: AccountRecord, page: Page) async throws -> [DeliveryRecord] {
        _ = try await app(id: appID, by: actor)
        return try await database.deliveries(appID: appID, page: page)
    }

    public func redeliver(appID: Int64, deliveryID: Int64, by actor: AccountRecord) async throws -> DeliveryRecord {
        _ = try await app(id: appID, by: actor)
        return try await database.redeliver(deliveryID: deliveryID, appID: appID)
    }

    /// Queues a `ping` event, so an app author can test the receiver.
    public func ping(appID: Int64, by actor: AccountRecord) async throws -> DeliveryRecord {
        let app = try await app(id: appID, by: actor).app
        guard app.webhookUrl != nil else { throw ChorusError.unprocessable("This app has no webhook_url") }
        let body = AppEventBody.make(type: "ping", at: clock.now(), data: #"{"app_id":"\#(appID)"}"#)
        return try await database.queueDelivery(appID: appID, eventType: "ping", body: body, messageID: AppEventBody.newMessageID())
    }
}
