// SPDX-License-Identifier: MIT
// txt-tool: explains Intel TXT launch data — TXT.ERRORCODE values, SINIT ACMs and whether they
// fit a platform, TXT heap images, MLE headers in kernel images, and register dumps.
// A thin CLI: every decoder and check lives in include/dlh/txt/; the subcommands are in
// examples/txt/<part>_command.hpp.
#include <CLI/CLI.hpp>

#include "tool_io.hpp"
#include "txt/acm_command.hpp"
#include "txt/errorcode_command.hpp"
#include "txt/heap_command.hpp"
#include "txt/mle_command.hpp"
#include "txt/regs_command.hpp"

int main(int argc, char** argv) {
    slrt::tool::program_name = "txt-tool";
    CLI::App app{"txt-tool: decode and check Intel TXT launch data.\n"
                 "Exit status: 0 ok, 1 invalid or failing input, 2 usage error or unreadable input.\n"
                 "Every subcommand takes --json for one machine-readable JSON object on stdout."};
    app.require_subcommand(1);
    int exit_code = slrt::tool::exit_usage;
    txt_tool::add_errorcode_command(app, exit_code);
    txt_tool::add_acm_command(app, exit_code);
    txt_tool::add_heap_command(app, exit_code);
    txt_tool::add_mle_command(app, exit_code);
    txt_tool::add_regs_command(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? slrt::tool::exit_ok : slrt::tool::exit_usage;
    }
    return exit_code;
}
