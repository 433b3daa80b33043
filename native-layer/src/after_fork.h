/* Everything a forked child must reset before it can use the layer: locks that threads which did not survive the
 * fork may have held. dpl_after_fork_child runs in the pthread_atfork child handler (proxy_client.c) and calls
 * each module's reset below. */
#pragma once

void dpl_after_fork_child(void);

void dpl_fd_table_after_fork_child(void);     /* fd_table.c */
void dpl_dns_names_after_fork_child(void);    /* dns_names.c */
void dpl_dns_results_after_fork_child(void);  /* hooks/dns.c */
void dpl_dirs_after_fork_child(void);         /* hooks/fs_dirs.c */
void dpl_streams_after_fork_child(void);      /* hooks/fs_streams.c */
