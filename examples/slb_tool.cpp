// SPDX-License-Identifier: MIT
// slb-tool: AMD SKINIT secure loader blocks (SKL images) and Arm DRTM launch data — inspect an
// SLB, predict PCR 17 after SKINIT, place an SLRT in an SLB, decode DRTM_PARAMETERS and DLME data.
// A thin CLI: the decoders and checks live in include/dlh/skinit/ and include/dlh/arm/; the
// subcommands are in examples/slb/<part>_command.hpp.
#include <CLI/CLI.hpp>

#include "slb/arm_command.hpp"
#include "slb/skinit_command.hpp"
#include "tool_io.hpp"

int main(int argc, char** argv) {
    slrt::tool::program_name = "slb-tool";
    CLI::App app{"slb-tool: inspect and prepare AMD SKINIT secure loader blocks and Arm DRTM launch data.\n"
                 "Exit status: 0 ok, 1 invalid or failing input, 2 usage error or unreadable input.\n"
                 "Every subcommand takes --json for one machine-readable JSON object on stdout."};
    app.require_subcommand(1);
    int exit_code = slrt::tool::exit_usage;
    slb_tool::add_skinit_commands(app, exit_code);
    slb_tool::add_arm_commands(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? slrt::tool::exit_ok : slrt::tool::exit_usage;
    }
    return exit_code;
}
