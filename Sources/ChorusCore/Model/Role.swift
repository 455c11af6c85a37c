/// What an employee may do beyond posting.
public enum Role: String, Sendable, Codable, CaseIterable {
    case member, editor, admin

    /// Administrators can manage people, apps and settings.
    public var isAdmin: Bool { self == .admin }
}
