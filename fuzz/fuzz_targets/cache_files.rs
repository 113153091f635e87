#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bargain_core::fuzz::cache_files(data));
