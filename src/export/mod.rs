//! Exports: text produced from the library's data for printing, sharing or reading
//! elsewhere. Exporters return strings or bytes; they never write to the terminal.

pub mod redline_text;
