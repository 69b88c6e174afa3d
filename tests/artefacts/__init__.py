"""The generated configuration: goldens, published schemas, shell and HCL parsing, hostile input."""
