import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Loads the statuses with these ids, in the given order, with everything
    /// a presenter needs. Ids the viewer may not see are dropped.
    func hydrate(_ connection: PostgresConnection, ids: [Int64], viewerID: Int64) async throws -> [HydratedStatus] {
        guard !ids.isEmpty else { return [] }
        throw PostgresDatabase.notYet
    }
}
