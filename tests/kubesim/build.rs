//! Compiles Kubernetes' own `generated.proto` files (release 1.33, vendored under
//! `tests/fixtures/kubernetes/proto`) into one descriptor set, so `src/protobuf.rs` reads and
//! writes `application/vnd.kubernetes.protobuf` from the real schema instead of a hand-written one.
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../fixtures/kubernetes/proto");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    println!("cargo:rerun-if-changed={}", root.display());
    let mut compiler = protox::Compiler::new([&root]).expect("the proto include directory exists");
    compiler.include_source_info(false).include_imports(true);
    compiler
        .open_files(&files)
        .unwrap_or_else(|e| panic!("compiling Kubernetes' generated.proto files: {e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("kubernetes.fds");
    std::fs::write(&out, compiler.encode_file_descriptor_set())
        .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

fn collect(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "proto") {
            let rel = path.strip_prefix(root).expect("under the root");
            out.push(rel.to_string_lossy().into_owned());
        }
    }
}
