# labs/plots/overhead.gp — called by overhead.sh with term, out, dat and ymax
# (the taller bar plus room for the key) and the t_* words in the run's
# language set.
set terminal @term font "DejaVu Sans,11"
set output out
set title t_title
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.5
set ylabel "bytes"
set key top right
set grid ytics
set yrange [0:ymax]
plot dat using 2:xtic(1) title t_payload lc rgb "#2ca02c", \
     '' using 3 title t_headers lc rgb "#d62728"
