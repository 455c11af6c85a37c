/// Where the numbered SQL migrations live.
import Foundation

public enum ChorusMigrations {
    /// The folder holding `NNNN_name.sql` files, in the order they must run.
    public static var directory: URL? { Bundle.module.url(forResource: "sql", withExtension: nil) }
}
