# labs/plots/tseq.gp — called by tseq.sh with term, out, dat, ks (how many
# kernel samples: 0 draws no cwnd), data and ack (the direction of the
# data plotted, and of its ACKs) and the t_* words in the run's language set.
set terminal @term font "DejaVu Sans,11"
set output out
set title t_title."\n(".t_data.": ".data.")"
set xlabel t_time
set ylabel t_rel
set key top left
set grid
# The window edge is usually far above the data: keep the data's scale and
# let that line leave the frame when it does.
stats dat index 0 using 2 nooutput
set yrange [0:STATS_max * 1.25 + 1]
if (ks > 0) {
  set y2label "cwnd, ssthresh × MSS (bytes)"
  set y2tics
  set ytics nomirror
  set key top left font ",9"
  plot dat index 0 using 1:($3 == 0 ? $2 : NaN) with points pt 7 ps 0.8 \
         lc rgb "#1f77b4" title "seq + len (".data.")", \
       dat index 0 using 1:($3 == 1 ? $2 : NaN) with points pt 6 ps 1.6 lw 2 \
         lc rgb "#d62728" title t_retx, \
       dat index 1 using 1:2 with steps lc rgb "#2ca02c" lw 1.5 \
         title "ack (".ack.")", \
       dat index 2 using 1:2 axes x1y2 with steps lc rgb "#ff7f0e" lw 2 \
         title "cwnd × MSS (".t_kernel.")", \
       dat index 2 using 1:3 axes x1y2 with steps dt 2 lc rgb "#9467bd" lw 1.5 \
         title "ssthresh × MSS", \
       dat index 3 using 1:2 axes x1y2 with dots lc rgb "#8c564b" \
         title t_flight, \
       dat index 4 using 1:2 axes x1y2 with points pt 9 ps 1.8 \
         lc rgb "#d62728" title t_cong
} else {
  plot dat index 0 using 1:($3 == 0 ? $2 : NaN) with points pt 7 ps 0.8 \
       lc rgb "#1f77b4" title "seq + len (".data.")", \
       dat index 0 using 1:($3 == 1 ? $2 : NaN) with points pt 6 ps 1.6 lw 2 \
       lc rgb "#d62728" title t_retx, \
       dat index 1 using 1:2 with steps lc rgb "#2ca02c" lw 1.5 \
       title "ack (".ack.")", \
       dat index 1 using 1:3 with steps dt 2 lc rgb "#7f7f7f" lw 1 \
       title t_window
}
