fn main() -> std::process::ExitCode {
    istioup::run()
}
