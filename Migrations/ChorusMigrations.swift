/// Where the numbered SQL migrations live.
import Foundation

public enum ChorusMigrations {
    /// The folder holding SQLite's `NNNN_name.sql` files, in the order they must run.
    public static var directory: URL? { Bundle.module.url(forResource: "sql", withExtension: nil) }

    /// The folder holding PostgreSQL's `NNNN_name.sql` files.
    public static var postgresDirectory: URL? { Bundle.module.url(forResource: "postgres", withExtension: nil) }
}
