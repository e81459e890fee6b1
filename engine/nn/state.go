package nn

// sizeBackup returns backup with one slice per param, of its size.
func sizeBackup(backup [][]float32, params []*Param) [][]float32 {
	for len(backup) < len(params) {
		backup = append(backup, nil)
	}
	for i, p := range params {
		if n := len(p.Value.Float32s()); len(backup[i]) != n {
			backup[i] = make([]float32, n)
		}
	}
	return backup
}

// saveState copies every NonTrainable param (layer state such as moving
// averages) into m.stateBackup.
func (m *Sequential) saveState() {
	m.state = m.state[:0]
	for _, l := range m.layers {
		for _, p := range l.Params() {
			if p.NonTrainable {
				m.state = append(m.state, p)
			}
		}
	}
	m.stateBackup = sizeBackup(m.stateBackup, m.state)
	for i, p := range m.state {
		copy(m.stateBackup[i], p.Value.Float32s())
	}
}

// restoreState puts back the values saveState copied.
func (m *Sequential) restoreState() {
	for i, p := range m.state {
		copy(p.Value.Float32s(), m.stateBackup[i])
	}
}
