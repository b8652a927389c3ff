// Notifications: the `notifications` query, `Notification` relations and `sendNotification`.
public enum NotificationArea {
    public static func register(_ r: inout ResolverRegistry) {}
}
