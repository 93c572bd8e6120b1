// The sageguard executable: all behaviour lives in the library; this file
// only hands argv to the command dispatcher.
#include "cli/cli.h"

int main(int argc, char** argv) { return sageguard::cli::run(argc, argv); }
