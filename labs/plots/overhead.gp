# labs/plots/overhead.gp — called by overhead.sh with term, out, dat and ymax
# (the taller bar plus room for the key) set.
set terminal @term font "DejaVu Sans,11"
set output out
set title "TCP frente a UDP / TCP vs UDP: bytes en el cable / on the wire"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.5
set ylabel "bytes"
set key top right
set grid ytics
set yrange [0:ymax]
plot dat using 2:xtic(1) title "datos / payload" lc rgb "#2ca02c", \
     '' using 3 title "cabeceras / headers" lc rgb "#d62728"
