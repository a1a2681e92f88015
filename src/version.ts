/** The package version (package.json's), printed by --version and in the shipped-content notice. */
export const VERSION = '0.1.0';
