#include "after_fork.h"

void dpl_after_fork_child(void) {
    dpl_fd_table_after_fork_child();
    dpl_dns_names_after_fork_child();
    dpl_dns_results_after_fork_child();
    dpl_dirs_after_fork_child();
    dpl_streams_after_fork_child();
}
