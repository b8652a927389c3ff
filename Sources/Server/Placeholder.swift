public enum ClinicCommand {
    public static func main() {}
}
